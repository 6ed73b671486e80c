import { useId } from 'preact/hooks';
import { useI18n } from '../i18n/I18nProvider.tsx';
import './chart.css';

export type BarDatum = {
  /** Short label under the bar (may be left out on crowded charts; the table always has it). */
  label: string;
  /** The full label for the table and the bar's tooltip ("Montag, 3. März"). */
  longLabel?: string;
  value: number;
};

export type BarChartProps = {
  /** Caption of the figure and of its data table. */
  title: string;
  /** Header of the value column ("Seiten"). */
  valueLabel: string;
  /** Header of the label column ("Tag"). */
  categoryLabel: string;
  data: BarDatum[];
  /** Text of the button that opens the table ("Als Tabelle zeigen"). */
  tableToggleLabel: string;
};

const WIDTH = 640;
const HEIGHT = 240;
const PAD_TOP = 20;
const PAD_BOTTOM = 28;
const PAD_SIDE = 8;

/** A round upper end for the value axis (1, 2, 5 × 10ⁿ), so the grid lines carry plain numbers. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

/** Which labels to write under the bars so they do not overlap: every n-th, at most ~12. */
export function labelStep(count: number, maxLabels = 12): number {
  return Math.max(1, Math.ceil(count / maxLabels));
}

/**
 * An SVG bar chart with its data as a real table (caption, header cells) under a disclosure:
 * the picture is for sighted users, the table for screen readers and anyone who wants the
 * figures. Numbers are formatted with `Intl` in the page language; in right-to-left languages
 * the bars run from the right, like the text.
 */
export function BarChart({ title, valueLabel, categoryLabel, data, tableToggleLabel }: BarChartProps) {
  const { format, dir } = useI18n();
  const id = useId();
  const max = niceMax(Math.max(0, ...data.map((d) => d.value)));
  const innerHeight = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const slot = data.length > 0 ? (WIDTH - 2 * PAD_SIDE) / data.length : 0;
  const barWidth = Math.max(1, slot * 0.7);
  const step = labelStep(data.length);
  const xOf = (index: number) => PAD_SIDE + (dir === 'rtl' ? data.length - 1 - index : index) * slot + (slot - barWidth) / 2;
  const grid = [0, 0.5, 1].map((fraction) => ({ value: max * fraction, y: PAD_TOP + innerHeight * (1 - fraction) }));
  return (
    <figure class="chart">
      <figcaption class="chart__title" id={`${id}-caption`}>
        {title}
      </figcaption>
      <svg class="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-caption`} focusable="false">
        {grid.map((line) => (
          <g key={line.value}>
            <line class="chart__grid" x1={PAD_SIDE} x2={WIDTH - PAD_SIDE} y1={line.y} y2={line.y} />
            <text class="chart__axis" x={dir === 'rtl' ? WIDTH - PAD_SIDE : PAD_SIDE} y={line.y - 4} text-anchor={dir === 'rtl' ? 'end' : 'start'}>
              {format.number(line.value)}
            </text>
          </g>
        ))}
        {data.map((datum, index) => {
          const height = max > 0 ? (datum.value / max) * innerHeight : 0;
          const x = xOf(index);
          return (
            <g key={index}>
              <rect class="chart__bar" x={x} y={PAD_TOP + innerHeight - height} width={barWidth} height={height}>
                <title>{`${datum.longLabel ?? datum.label}: ${format.number(datum.value)}`}</title>
              </rect>
              {index % step === 0 && (
                <text class="chart__axis" x={x + barWidth / 2} y={HEIGHT - 8} text-anchor="middle">
                  {datum.label}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <details class="chart__details">
        <summary class="chart__summary">{tableToggleLabel}</summary>
        <table class="data-table">
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col">{categoryLabel}</th>
              <th scope="col">{valueLabel}</th>
            </tr>
          </thead>
          <tbody>
            {data.map((datum, index) => (
              <tr key={index}>
                <th scope="row">{datum.longLabel ?? datum.label}</th>
                <td>{format.number(datum.value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
