import { startPage } from '../shared/boot.tsx';
import { TerminalApp } from './TerminalApp.tsx';

void startPage(TerminalApp);
