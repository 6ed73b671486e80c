import { render, type ComponentType } from 'preact';
import { I18nProvider, loadInitialLanguage } from './i18n/I18nProvider.tsx';
import { applyStoredPreferences } from './preferences.ts';
import './styles.css';

/** Starts one page: display settings and language first, so the first paint is already right. */
export async function startPage(App: ComponentType): Promise<void> {
  applyStoredPreferences();
  const initial = await loadInitialLanguage();
  const root = document.getElementById('app');
  if (!root) throw new Error('the page has no #app element');
  render(
    <I18nProvider initial={initial}>
      <App />
    </I18nProvider>,
    root,
  );
}
