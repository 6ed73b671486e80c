import QRCode from 'qrcode';
import { formatVoucherCode, VOUCHER_QR_PREFIX } from '../quota/vouchers.ts';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A printable A6 slip: site, pages, the code in large unambiguous letters, a QR code the
 * station's scanner reads (`DPV-<code>`), the expiry date and what to do, in plain German with an
 * English line. Self-contained (inline CSS and SVG), so printing needs no other request.
 */
export async function renderVoucherSlip({ siteName, code, pages, expiresAt }: { siteName: string; code: string; pages: number; expiresAt: number }): Promise<string> {
  const qr = await QRCode.toString(`${VOUCHER_QR_PREFIX}${code}`, { type: 'svg', errorCorrectionLevel: 'M', margin: 1 });
  const until = new Intl.DateTimeFormat('de-DE', { timeZone: 'Europe/Berlin', day: '2-digit', month: '2-digit', year: 'numeric' }).format(expiresAt);
  const shown = formatVoucherCode(code);
  return `<!doctype html>
<html lang="de">
<head>
<meta charset="utf-8">
<title>Gutschein über ${pages} Seiten</title>
<style>
  @page { size: A6 portrait; margin: 8mm; }
  body { font-family: system-ui, sans-serif; color: #000; margin: 0; }
  main { width: 89mm; }
  h1 { font-size: 16pt; margin: 0 0 2mm; }
  .site { font-size: 10pt; margin: 0 0 4mm; }
  .code { font: 700 20pt/1.2 ui-monospace, monospace; letter-spacing: 1pt; margin: 3mm 0; }
  .qr svg { width: 38mm; height: 38mm; }
  p { font-size: 10pt; margin: 2mm 0; }
</style>
</head>
<body>
<main>
  <h1>Gutschein: ${pages} Seiten</h1>
  <p class="site">${escapeHtml(siteName)}</p>
  <div class="qr" role="img" aria-label="QR-Code des Gutscheins">${qr}</div>
  <p class="code" aria-label="Gutschein-Code">${shown}</p>
  <p>Gültig bis ${until}. Nur einmal einlösbar.</p>
  <p>So geht es: Am Drucker Ihren Code eingeben, dann „Gutschein“ wählen und diesen Code eintippen oder den QR-Code an den Scanner halten.</p>
  <p lang="en">Voucher for ${pages} pages. At the printer, choose “Voucher” and enter the code or scan the QR code.</p>
</main>
</body>
</html>
`;
}
