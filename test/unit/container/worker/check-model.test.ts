/** Caffe's reason for refusing weights, as the model's error shows it. */
import { caffeReason } from '../../../../container/worker/check-model';

describe('caffeReason', () => {
  it("takes the fatal line and names the worker's files by their role", () => {
    const output = [
      'I1207 00:43:06.170758 10848 net.cpp:257] Network initialization done.',
      "F1207 00:43:06.174283 10848 net.cpp:759] Cannot copy param 0 weights from layer 'ip1'; shape mismatch.",
      '*** Check failure stack trace: ***',
    ].join('\n');
    expect(caffeReason(output, {})).toBe("Cannot copy param 0 weights from layer 'ip1'; shape mismatch.");
    const parse =
      'F1207 00:43:06.596144 10852 upgrade_proto.cpp:97] Check failed: ReadProtoFromBinaryFile(param_file, param) ' +
      'Failed to parse NetParameter file: /scratch/md_1/weights.caffemodel';
    expect(caffeReason(parse, { '/scratch/md_1/weights.caffemodel': 'the weights' })).toMatch(
      /Failed to parse NetParameter file: the weights$/,
    );
  });

  it('falls back to the last error line (upgrade_net_proto_binary logs no fatal)', () => {
    const output =
      'E1207 00:42:58.134419 10690 upgrade_net_proto_binary.cpp:30] Failed to parse input binary file as ' +
      'NetParameter: /w/weights.caffemodel';
    expect(caffeReason(output, { '/w/weights.caffemodel': 'the weights' })).toBe(
      'Failed to parse input binary file as NetParameter: the weights',
    );
    expect(caffeReason('I1207 00:42:58.134419 10690 x.cpp:1] fine', {})).toBeUndefined();
  });
});
