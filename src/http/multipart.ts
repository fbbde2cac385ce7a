// The frame of a multipart/form-data body with one file in field `file`
// (Hedra's asset upload): what goes before and after the file's bytes, so the
// bytes themselves can be streamed from disk between the two.
import { randomBytes } from 'node:crypto';

interface MultipartFrame {
  head: Buffer;
  tail: Buffer;
  /** Content-Length of the whole body for a file of `fileSize` bytes. */
  length: number;
  contentType: string;
}

export function multipartFrame(fileName: string, fileContentType: string, fileSize: number): MultipartFrame {
  const boundary = `----hedra-action-${randomBytes(12).toString('hex')}`;
  const safeName = fileName.replace(/["\r\n\\]/g, '_');
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${fileContentType}\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { head, tail, length: head.length + fileSize + tail.length, contentType: `multipart/form-data; boundary=${boundary}` };
}
