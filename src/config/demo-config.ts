/**
 * The built-in demo configuration used when DRUCKPUNKT_CONFIG is not set: one site (Lobeda), the
 * machine itself as "Terminal 1", a file printer and the demo scanner, so `npm start` shows the
 * whole product without any hardware.
 */
export const demoConfig = {
  sites: [
    {
      id: 'lobeda',
      name: 'Stadtteilbüro Lobeda',
      terminals: [{ id: 'terminal-1', name: 'Terminal 1', addresses: ['127.0.0.1', '::1'] }],
      printers: [{ id: 'lobeda-drucker', name: 'Drucker am Empfang', driver: 'file' }],
      scanners: [{ id: 'lobeda-scanner', name: 'Scanner am Empfang', driver: 'demo' }],
      quickLinks: [
        {
          title: { de: 'Termin buchen', en: 'Book an appointment', uk: 'Записатися на прийом', ru: 'Записаться на приём', ar: 'حجز موعد', tr: 'Randevu al' },
          description: { de: 'Termine im Bürgerservice der Stadt Jena', en: "Appointments at Jena's citizen service" },
          url: 'https://www.jena.de/termine',
          icon: 'calendar',
          group: 'city',
        },
        {
          title: { de: 'Bürgerservice Jena', en: 'Citizen service Jena', uk: 'Служба для громадян Єни', ru: 'Служба для граждан Йены', ar: 'خدمة المواطنين في يينا', tr: 'Jena vatandaş hizmetleri' },
          url: 'https://www.jena.de/buergerservice',
          icon: 'city',
          group: 'city',
        },
        {
          title: { de: 'Jobcenter Jena', en: 'Jobcenter Jena', uk: 'Джобцентр Єни', ru: 'Джобцентр Йены', ar: 'مركز العمل في يينا', tr: 'Jobcenter Jena' },
          url: 'https://www.jobcenter-jena.de',
          icon: 'work',
          group: 'work',
        },
        {
          title: { de: 'Agentur für Arbeit', en: 'Federal Employment Agency', uk: 'Агентство з питань праці', ru: 'Агентство по труду', ar: 'وكالة التوظيف', tr: 'İş Ajansı' },
          url: 'https://www.arbeitsagentur.de',
          icon: 'work',
          group: 'work',
        },
        {
          title: { de: 'ELSTER – Steuern online', en: 'ELSTER – taxes online', uk: 'ELSTER – податки онлайн', ru: 'ELSTER – налоги онлайн', ar: 'إلستر – الضرائب عبر الإنترنت', tr: 'ELSTER – çevrimiçi vergi' },
          url: 'https://www.elster.de',
          icon: 'tax',
          group: 'forms',
        },
        {
          title: { de: 'Stadtportal jena.de', en: 'City portal jena.de', uk: 'Портал міста jena.de', ru: 'Портал города jena.de', ar: 'بوابة المدينة jena.de', tr: 'Şehir portalı jena.de' },
          url: 'https://www.jena.de',
          icon: 'info',
          group: 'city',
        },
      ],
    },
  ],
};
