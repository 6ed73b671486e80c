/** A multipart/form-data body with one file field, as a browser's upload would send it. */
export function multipartFile({ field = 'file', filename, contentType, data }: { field?: string; filename: string; contentType: string; data: Buffer }) {
  const boundary = `----druckpunkt${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return { payload: Buffer.concat([head, data, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}
