import type { ComponentChildren, JSX } from 'preact';
import './illustrated.css';

export type IllustratedStep = {
  /** A decorative drawing (inline SVG); the text says everything on its own. */
  picture: JSX.Element;
  text: ComponentChildren;
};

/**
 * Numbered steps, each with a drawing above its text. A real ordered list, so screen readers say
 * "1 of 3"; the big number is drawn from the list counter, not typed into the text.
 */
export function IllustratedSteps({ steps, label }: { steps: IllustratedStep[]; label?: string }) {
  return (
    <ol class="steps" aria-label={label}>
      {steps.map((step, index) => (
        <li class="steps__item" key={index}>
          <div class="steps__picture">{step.picture}</div>
          <div class="steps__text">{step.text}</div>
        </li>
      ))}
    </ol>
  );
}
