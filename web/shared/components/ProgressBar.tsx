import { useId } from 'preact/hooks';
import './illustrated.css';

export type ProgressBarProps = {
  /** Visible name of what is progressing ("Datei wird hochgeladen"). */
  label: string;
  /** 0…1; omitted while the end is unknown (the bar then shows activity without a number). */
  fraction?: number | undefined;
  /** Visible status beside the bar, e.g. "45 %" or "Wird vorbereitet …". */
  valueText: string;
};

/**
 * A native <progress>, named by its visible label, with the value also written out: the bar's
 * fill alone would tell by colour and size only.
 */
export function ProgressBar({ label, fraction, valueText }: ProgressBarProps) {
  const id = useId();
  const value = fraction === undefined ? undefined : Math.min(1, Math.max(0, fraction));
  return (
    <div class="progress">
      <p class="progress__label" id={`${id}-label`}>
        {label}
      </p>
      <progress class="progress__bar" aria-labelledby={`${id}-label`} aria-valuetext={valueText} max={1} value={value} />
      <p class="progress__value" aria-hidden="true">
        {valueText}
      </p>
    </div>
  );
}
