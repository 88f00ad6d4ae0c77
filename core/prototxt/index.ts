/** Protobuf text format (Caffe prototxt): parse to a positioned tree, edit it, print it back. */
export { parsePrototxt, PrototxtSyntaxError } from './parse';
export { printPrototxt, formatScalar, quote } from './print';
export {
  getAll,
  getField,
  getMessage,
  getScalar,
  isMessage,
  removeField,
  setScalar,
  setValue,
  type PField,
  type PMessage,
  type PScalar,
  type ScalarKind,
} from './tree';
