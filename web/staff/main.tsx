import { startPage } from '../shared/boot.tsx';
import { StaffApp } from './StaffApp.tsx';

void startPage(StaffApp);
