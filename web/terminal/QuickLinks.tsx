import { Icon } from '../shared/components/Icon.tsx';
import { useI18n } from '../shared/i18n/I18nProvider.tsx';
import { sourceLanguage, type Language, type Translate } from '../shared/i18n/i18n.ts';

/** One city service tile, as configured in `sites[].quickLinks` and sent by `GET /api/site-info`. */
export type QuickLink = {
  /** Language code → title; German is the fallback. */
  title: Record<string, string>;
  description?: Record<string, string> | undefined;
  url: string;
  icon?: string | undefined;
  group?: string | undefined;
};

/** Group keys with their own heading; any other key is shown under "Weitere Angebote". */
const knownGroups = ['city', 'work', 'forms', 'money', 'health', 'family', 'housing', 'mobility'] as const;
type KnownGroup = (typeof knownGroups)[number] | 'other';

function groupTitle(group: KnownGroup, t: Translate): string {
  // Literal keys so the catalog test sees every one.
  switch (group) {
    case 'city':
      return t('terminal.links.group.city');
    case 'work':
      return t('terminal.links.group.work');
    case 'forms':
      return t('terminal.links.group.forms');
    case 'money':
      return t('terminal.links.group.money');
    case 'health':
      return t('terminal.links.group.health');
    case 'family':
      return t('terminal.links.group.family');
    case 'housing':
      return t('terminal.links.group.housing');
    case 'mobility':
      return t('terminal.links.group.mobility');
    case 'other':
      return t('terminal.links.group.other');
  }
}

function knownGroup(group: string | undefined): KnownGroup {
  return (knownGroups as readonly string[]).includes(group ?? '') ? (group as KnownGroup) : 'other';
}

/**
 * A configured text in the page's language, else German, else any: the staff may not have
 * translated everything. `lang` is set when it is not the page's language, so a screen reader
 * switches its voice instead of reading German with an Arabic one.
 */
export function localized(texts: Record<string, string> | undefined, language: Language): { text: string; lang: string } | null {
  if (!texts) return null;
  const own = texts[language];
  if (own) return { text: own, lang: language };
  const german = texts[sourceLanguage];
  if (german) return { text: german, lang: sourceLanguage };
  const [first] = Object.entries(texts);
  return first ? { text: first[1], lang: first[0] } : null;
}

/** Groups in the order their first link appears in the config: the staff decide the order. */
export function groupLinks(links: QuickLink[]): Array<{ group: KnownGroup; links: QuickLink[] }> {
  const groups: Array<{ group: KnownGroup; links: QuickLink[] }> = [];
  for (const link of links) {
    const group = knownGroup(link.group);
    let entry = groups.find((candidate) => candidate.group === group);
    if (!entry) {
      entry = { group, links: [] };
      groups.push(entry);
    }
    entry.links.push(link);
  }
  return groups;
}

/** The city's online services as large link tiles, opening in this (kiosk) tab. */
export function QuickLinks({ links }: { links: QuickLink[] }) {
  const { t, language } = useI18n();
  if (links.length === 0) return null;
  return (
    <section class="quick-links" aria-labelledby="quick-links-heading">
      <h2 id="quick-links-heading">{t('terminal.links.heading')}</h2>
      <p>{t('terminal.links.intro')}</p>
      {groupLinks(links).map(({ group, links: groupLinksList }) => (
        <div class="quick-links__group" key={group}>
          <h3>{groupTitle(group, t)}</h3>
          <ul class="tiles tiles--links">
            {groupLinksList.map((link) => {
              const title = localized(link.title, language);
              const description = localized(link.description, language);
              return (
                <li key={link.url}>
                  <a class="tile tile--link" href={link.url} data-testid="quick-link">
                    <Icon name={link.icon} class="tile__icon" />
                    <span class="tile__title" lang={title && title.lang !== language ? title.lang : undefined}>
                      {title?.text ?? link.url}
                    </span>
                    {description && (
                      <span class="tile__text" lang={description.lang !== language ? description.lang : undefined}>
                        {description.text}
                      </span>
                    )}
                  </a>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </section>
  );
}
