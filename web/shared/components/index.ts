export { Button, type ButtonProps, type ButtonVariant } from './Button.tsx';
export { TextInput, type TextInputProps } from './TextInput.tsx';
export { NumberInput, type NumberInputProps } from './NumberInput.tsx';
export { LiveRegions, announce, type Politeness } from './LiveRegion.tsx';
export { Page, type PageProps } from './Page.tsx';
export { LanguageSwitch } from './LanguageSwitch.tsx';
export { DisplayToggles } from './DisplayToggles.tsx';
export { Countdown, type CountdownProps } from './Countdown.tsx';
export { CodeKeypad, type CodeKeypadProps } from './CodeKeypad.tsx';
