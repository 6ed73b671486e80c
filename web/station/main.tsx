import { startPage } from '../shared/boot.tsx';
import { StationApp } from './StationApp.tsx';

void startPage(StationApp);
