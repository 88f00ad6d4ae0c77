/**
 * What a person drops or picks, as something to upload: an archive as it is, or a folder of class
 * sub-folders packed in the browser as a plain tar (the SDK's `tarSource`: its size is known before
 * the first byte, and any part can be read again for a retry or a resume).
 */
import { blobSource, tarSource, type ByteSource, type TarFile } from '@elastic-caffe/sdk';

/** A file and its path inside the folder that was dropped or picked (`label/image.png`). */
export interface FolderFile {
  path: string;
  file: File;
}

/** Hidden files (`.DS_Store`, `._x.png`) and folders are no images of the dataset. */
const isHidden = (path: string) => path.split('/').some((part) => part.startsWith('.'));

/** A folder's files as a tar named after the folder. */
export function folderSource(files: FolderFile[], name: string): ByteSource {
  const entries: TarFile[] = files
    .filter((f) => !isHidden(f.path))
    .map(({ path, file }) => ({ path, size: file.size, read: (start, end) => file.slice(start, end) }));
  if (!entries.length) throw new Error(`the folder ${name} holds no files`);
  return tarSource(entries, `${name}.tar`);
}

/** Files from `<input type=file webkitdirectory>`: paths below the picked folder, and its name. */
export function pickedFolder(list: FileList): { files: FolderFile[]; name: string } {
  const files = [...list].map((file) => {
    const [top, ...rest] = (file.webkitRelativePath || file.name).split('/');
    return { path: rest.length ? rest.join('/') : (top ?? file.name), file, top };
  });
  return { files: files.map(({ path, file }) => ({ path, file })), name: files[0]?.top ?? 'folder' };
}

const readBatch = (reader: FileSystemDirectoryReader) =>
  new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

async function walk(entry: FileSystemEntry, prefix: string, out: FolderFile[]): Promise<void> {
  if (entry.isFile) {
    out.push({ path: `${prefix}${entry.name}`, file: await fileOf(entry as FileSystemFileEntry) });
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries hands out a folder's entries in batches (100 at a time in Chromium) until an empty one.
  for (let batch = await readBatch(reader); batch.length; batch = await readBatch(reader))
    for (const child of batch) await walk(child, `${prefix}${entry.name}/`, out);
}

/** What was dropped: one archive, or folders (one dropped folder of classes, or several class folders). */
export async function droppedSource(items: DataTransferItemList): Promise<ByteSource> {
  // Entries must be taken while the drop event is being handled: collect them first, then read.
  const entries = [...items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry())
    .filter((entry): entry is FileSystemEntry => entry !== null);
  if (entries.length === 1 && entries[0]!.isFile) return blobSource(await fileOf(entries[0] as FileSystemFileEntry));
  if (entries.some((entry) => entry.isFile) && entries.length > 1)
    throw new Error('drop one archive, or a folder of class folders, or several class folders');
  const files: FolderFile[] = [];
  if (entries.length === 1) {
    // One folder: its sub-folders are the classes, so paths start below it.
    const reader = (entries[0] as FileSystemDirectoryEntry).createReader();
    for (let batch = await readBatch(reader); batch.length; batch = await readBatch(reader))
      for (const child of batch) await walk(child, '', files);
    return folderSource(files, entries[0]!.name);
  }
  for (const entry of entries) await walk(entry, '', files);
  return folderSource(files, 'folders');
}
