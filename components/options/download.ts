/**
 * Saving a text file from an extension page: a Blob URL on a temporary link. The entrypoint passes this to the
 * components as their onDownload event (components only describe the file).
 */
export interface DownloadFile {
  name: string;
  /** MIME type, e.g. application/json or text/csv. */
  type: string;
  text: string;
}

export function saveFile(file: DownloadFile, doc: Document = document): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.type }));
  const link = doc.createElement('a');
  link.href = url;
  link.download = file.name;
  link.hidden = true;
  doc.body.append(link);
  link.click();
  link.remove();
  // The download has its own reference once started; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
