import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';

export type ButtonVariant = 'primary' | 'secondary' | 'danger';

export type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'class' | 'className' | 'type'> & {
  variant?: ButtonVariant;
  /** Extra class names for layout (e.g. `button--wide`); the look comes from `variant`. */
  class?: string;
  type?: 'button' | 'submit' | 'reset';
  disabled?: boolean;
  children: ComponentChildren;
};

/**
 * The one button of all pages: at least 44×44 px, a thick focus ring that shows on every
 * background, and a variant that is also told by shape/text, never by colour alone.
 */
export function Button({ variant = 'primary', class: extra, type = 'button', children, ...rest }: ButtonProps) {
  const className = ['button', `button--${variant}`, extra].filter(Boolean).join(' ');
  return (
    <button type={type} class={className} {...rest}>
      {children}
    </button>
  );
}
