/** What the model registration form reads from the files a person picks. */

/**
 * A labels file as Caffe's examples ship them (`synset_words.txt`, `labels.txt`): one label per line,
 * in class order. Line ends of any platform; surrounding blanks and blank lines (a trailing newline)
 * are dropped.
 */
export function parseLabels(text: string): string[] {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter(Boolean);
}
