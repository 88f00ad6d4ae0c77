/** One curve across a trial's jobs: a resumed job's points replace the earlier one's from where it starts. */
import { concatenate } from '../../../../core/sweeps/curves';

const byX = (point: readonly [number, number | null]) => point[0];

describe('concatenate', () => {
  it('continues a curve with the next job from its first iteration on, the resumed job winning at the rung', () => {
    expect(
      concatenate(
        [
          [
            [0, 2.3],
            [10, 1.5],
            [20, 1.2],
          ],
          [
            [20, 1.1],
            [30, null],
            [40, 0.9],
          ],
        ] as Array<Array<readonly [number, number | null]>>,
        byX,
      ),
    ).toEqual([
      [0, 2.3],
      [10, 1.5],
      [20, 1.1],
      [30, null],
      [40, 0.9],
    ]);
  });

  it("drops an earlier job's points past the rung the next resumed at; keeps it whole while the next has none", () => {
    const first = [
      [0, 2],
      [20, 1],
      [30, 0.5],
    ] as Array<readonly [number, number | null]>;
    expect(concatenate([first, [[20, 0.9]]], byX)).toEqual([
      [0, 2],
      [20, 0.9],
    ]);
    expect(concatenate([first, []], byX)).toEqual(first);
    expect(concatenate([], byX)).toEqual([]);
  });

  it('joins records by their iteration', () => {
    const joined = concatenate(
      [
        [{ iteration: 0 }, { iteration: 20 }],
        [{ iteration: 20 }, { iteration: 40 }],
      ],
      (p) => p.iteration,
    );
    expect(joined.map((p) => p.iteration)).toEqual([0, 20, 40]);
  });
});
