/** The CloudWatch EMF lines Powertools Metrics prints to stdout, captured around some work (unit tests). */
export async function emfLines(work: () => Promise<unknown>): Promise<Array<Record<string, unknown>>> {
  const printed: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return printed
    .flatMap((text) => text.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
