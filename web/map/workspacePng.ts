// "Save map as PNG": the map canvas as drawn (boundaries, fills and points share one WebGL canvas
// kept with preserveDrawingBuffer) with the regions' names (page text over the map, MapNames)
// written onto it where they stand, under a title strip and beside its legend, so a forwarded
// picture still says what, where and when.
import { LABEL_FONT_FAMILY } from './labels.ts';

export interface PngMeta {
  title: string;
  subtitle: string;
  legendTitle: string;
  legend: { color: string; label: string }[];
  footer: string;
  /** names over the map, in CSS pixels of the map's canvas */
  names?: readonly { text: string; x: number; y: number; size: number; kind: 'district' | 'street' }[];
}

export function composeMapPng(map: HTMLCanvasElement, meta: PngMeta): Promise<Blob> {
  const scale = map.width / (map.clientWidth || map.width);
  const head = Math.round(64 * scale);
  const foot = Math.round(28 * scale);
  const out = document.createElement('canvas');
  out.width = map.width;
  out.height = map.height + head + foot;
  const g = out.getContext('2d')!;
  g.fillStyle = '#0b1120';
  g.fillRect(0, 0, out.width, out.height);
  g.drawImage(map, 0, head);
  const px = (v: number) => `${Math.round(v * scale)}px`;
  // the names as MapNames draws them: centred, with a dark halo
  g.textAlign = 'center';
  g.textBaseline = 'middle';
  g.lineJoin = 'round';
  for (const l of meta.names ?? []) {
    g.font = `600 ${px(l.size)} ${LABEL_FONT_FAMILY}`;
    g.lineWidth = 4 * scale;
    g.strokeStyle = 'rgba(7, 11, 22, 0.92)';
    g.strokeText(l.text, l.x * scale, head + l.y * scale);
    g.fillStyle = l.kind === 'district' ? '#f0f4fc' : '#c4d2ec';
    g.fillText(l.text, l.x * scale, head + l.y * scale);
  }
  g.textAlign = 'left';
  g.fillStyle = '#f0f4fc';
  g.font = `600 ${px(20)} ${LABEL_FONT_FAMILY}`;
  g.textBaseline = 'top';
  g.fillText(meta.title, 16 * scale, 10 * scale);
  g.fillStyle = '#a9b6cc';
  g.font = `${px(14)} ${LABEL_FONT_FAMILY}`;
  g.fillText(meta.subtitle, 16 * scale, 38 * scale);
  g.fillText(meta.footer, 16 * scale, head + map.height + 6 * scale);

  // legend card at the lower left of the map
  const row = 20 * scale;
  const w = 190 * scale;
  const h = (meta.legend.length + 1) * row + 16 * scale;
  const x = 16 * scale;
  const y = head + map.height - h - 16 * scale;
  g.fillStyle = 'rgba(11, 17, 32, 0.88)';
  g.fillRect(x, y, w, h);
  g.fillStyle = '#f0f4fc';
  g.font = `600 ${px(13)} ${LABEL_FONT_FAMILY}`;
  g.fillText(meta.legendTitle, x + 10 * scale, y + 8 * scale);
  g.font = `${px(13)} ${LABEL_FONT_FAMILY}`;
  meta.legend.forEach((item, i) => {
    const ry = y + 8 * scale + (i + 1) * row;
    g.fillStyle = item.color;
    g.fillRect(x + 10 * scale, ry + 2 * scale, 24 * scale, 12 * scale);
    g.fillStyle = '#dce4f2';
    g.fillText(item.label, x + 42 * scale, ry);
  });
  return new Promise((resolve, reject) =>
    out.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed'))), 'image/png'),
  );
}

export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
