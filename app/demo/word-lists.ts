import type { Prng } from './prng';

/**
 * Words the demo fleet is made of. Names are deliberately international: the
 * console must handle Zoë, Łukasz, 山田, Ørsted and Müller as well as Smith, in
 * exports, archives and screens alike.
 *
 * E-mail domains end in `.example` (RFC 2606) and web sites too: demo data must
 * never point at a real mailbox.
 */

export type CountryCode = 'DE' | 'PL' | 'SE' | 'DK' | 'FR' | 'GB' | 'IE' | 'NL' | 'ES' | 'IS' | 'JP';

export interface CountryDef {
  code: CountryCode;
  currency: 'EUR' | 'GBP' | 'SEK' | 'PLN';
  firstNames: readonly string[];
  lastNames: readonly string[];
  cities: readonly (readonly [city: string, postcode: string])[];
  streets: readonly string[];
  legalForms: readonly string[];
  brands: readonly string[];
  cores: readonly string[];
  phone: (rng: Prng) => string;
}

const d = (rng: Prng, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
};

export const COUNTRIES: Record<CountryCode, CountryDef> = {
  DE: {
    code: 'DE',
    currency: 'EUR',
    firstNames: ['Jürgen', 'Anja', 'Matthias', 'Sabine', 'Jörg', 'Katrin', 'Lukas', 'Lea', 'Björn', 'Marie', 'Günther', 'Sophie', 'Felix', 'Zoë'],
    lastNames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weiß', 'Köhler', 'Groß', 'Becker', 'Hoffmann', 'Schäfer', 'von Bülow', 'Krüger'],
    cities: [['Berlin', '10115'], ['Dresden', '01067'], ['München', '80331'], ['Köln', '50667'], ['Hamburg', '20095'], ['Leipzig', '04109']],
    streets: ['Hauptstraße', 'Müllerstraße', 'Schillerweg', 'Am Görlitzer Park', 'Königsallee', 'Friedrichstraße'],
    legalForms: ['GmbH', 'AG', 'GmbH & Co. KG', 'e.K.'],
    brands: ['Müller', 'Nordlicht', 'Weißdorn', 'Hansa', 'Elbtal', 'Rheingold', 'Kranich', 'Sonnenhof'],
    cores: ['Logistik', 'Maschinenbau', 'Software', 'Beratung', 'Bau', 'Medien', 'Handel', 'Energie'],
    phone: (r) => `+49 ${r.pick(['30', '351', '89', '221', '40'])} ${d(r, 7)}`,
  },
  PL: {
    code: 'PL',
    currency: 'PLN',
    firstNames: ['Łukasz', 'Małgorzata', 'Paweł', 'Agnieszka', 'Wojciech', 'Zofia', 'Michał', 'Katarzyna', 'Grzegorz', 'Żaneta'],
    lastNames: ['Nowak', 'Kowalski', 'Wiśniewska', 'Wójcik', 'Kamiński', 'Lewandowska', 'Zieliński', 'Szymańska', 'Woźniak', 'Dąbrowski'],
    cities: [['Warszawa', '00-001'], ['Kraków', '30-001'], ['Łódź', '90-001'], ['Gdańsk', '80-001'], ['Wrocław', '50-001']],
    streets: ['ul. Długa', 'ul. Świętokrzyska', 'ul. Marszałkowska', 'al. Jerozolimskie', 'ul. Piotrkowska'],
    legalForms: ['Sp. z o.o.', 'S.A.', 'Sp.k.'],
    brands: ['Łódzka', 'Wisła', 'Bałtyk', 'Żuraw', 'Sokół', 'Tatry'],
    cores: ['Logistyka', 'Budownictwo', 'Informatyka', 'Doradztwo', 'Handel', 'Energia'],
    phone: (r) => `+48 ${r.pick(['22', '12', '42', '58', '71'])} ${d(r, 3)} ${d(r, 2)} ${d(r, 2)}`,
  },
  SE: {
    code: 'SE',
    currency: 'SEK',
    firstNames: ['Björn', 'Åsa', 'Måns', 'Linnéa', 'Örjan', 'Ebba', 'Sven', 'Maja', 'Göran', 'Elin'],
    lastNames: ['Andersson', 'Johansson', 'Lindqvist', 'Öberg', 'Åkesson', 'Ström', 'Björk', 'Nyström', 'Sjögren', 'Ekström'],
    cities: [['Stockholm', '111 22'], ['Göteborg', '411 03'], ['Malmö', '211 20'], ['Uppsala', '753 20'], ['Umeå', '903 26']],
    streets: ['Drottninggatan', 'Storgatan', 'Kungsgatan', 'Östra Hamngatan', 'Sveavägen'],
    legalForms: ['AB', 'HB'],
    brands: ['Nordvik', 'Fjällström', 'Älvsby', 'Solberg', 'Östlund', 'Skärgård'],
    cores: ['Konsult', 'Bygg', 'Data', 'Transport', 'Design', 'Energi'],
    phone: (r) => `+46 ${r.pick(['8', '31', '40', '18'])} ${d(r, 3)} ${d(r, 2)} ${d(r, 2)}`,
  },
  DK: {
    code: 'DK',
    currency: 'EUR',
    firstNames: ['Søren', 'Mette', 'Ørjan', 'Freja', 'Anders', 'Sofie', 'Mads', 'Ida', 'Jens', 'Astrid'],
    lastNames: ['Ørsted', 'Jensen', 'Nielsen', 'Sørensen', 'Møller', 'Kjær', 'Thomsen', 'Lærke', 'Højgaard', 'Bæk'],
    cities: [['København', '1050'], ['Aarhus', '8000'], ['Odense', '5000'], ['Aalborg', '9000']],
    streets: ['Østergade', 'Nørrebrogade', 'Strøget', 'Vesterbrogade', 'Havnegade'],
    legalForms: ['ApS', 'A/S', 'I/S'],
    brands: ['Ørsted', 'Havblik', 'Kløver', 'Bølge', 'Fyrtårn'],
    cores: ['Byg', 'Rådgivning', 'Teknik', 'Handel', 'Design'],
    phone: (r) => `+45 ${d(r, 2)} ${d(r, 2)} ${d(r, 2)} ${d(r, 2)}`,
  },
  FR: {
    code: 'FR',
    currency: 'EUR',
    firstNames: ['François', 'Hélène', 'Jérôme', 'Chloé', 'Loïc', 'Zoë', 'Anaïs', 'Benoît', 'Élodie', 'Noël'],
    lastNames: ['Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Rousseau', "d'Artagnan", 'Mercier', 'Faure', 'Chevalier', 'Lemaître'],
    cities: [['Paris', '75001'], ['Lyon', '69001'], ['Bourg-en-Bresse', '01000'], ['Marseille', '13001'], ['Nantes', '44000']],
    streets: ['Rue de la Paix', 'Avenue des Champs-Élysées', 'Boulevard Saint-Germain', "Rue de l'Église", 'Quai des Célestins'],
    legalForms: ['SAS', 'SARL', 'SA'],
    brands: ['Lumière', 'Étoile', 'Belle-Île', 'Côté', 'Rivière'],
    cores: ['Conseil', 'Logistique', 'Informatique', 'Bâtiment', 'Médias'],
    phone: (r) => `+33 ${r.int(1, 9)} ${d(r, 2)} ${d(r, 2)} ${d(r, 2)} ${d(r, 2)}`,
  },
  GB: {
    code: 'GB',
    currency: 'GBP',
    firstNames: ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Zoë', 'Jack', 'Emily', 'Siân', 'Rhys'],
    lastNames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas', 'Davies', 'Smith-Jones'],
    cities: [['London', 'EC1A 1BB'], ['Manchester', 'M1 1AE'], ['Leeds', 'LS1 4AP'], ['Cardiff', 'CF10 1EP'], ['Bristol', 'BS1 4DJ']],
    streets: ['High Street', 'Station Road', "King's Road", 'Church Lane', 'Victoria Street'],
    legalForms: ['Ltd', 'PLC', 'LLP'],
    brands: ['Thames', 'Albion', 'Pennine', 'Harbour', 'Kingsway'],
    cores: ['Consulting', 'Logistics', 'Software', 'Media', 'Engineering'],
    phone: (r) => `+44 20 7946 0${d(r, 3)}`,
  },
  IE: {
    code: 'IE',
    currency: 'EUR',
    firstNames: ['Seán', 'Aoife', 'Niamh', 'Ciarán', 'Siobhán', 'Pádraig', 'Róisín', 'Eoin'],
    lastNames: ["O'Brien", 'Murphy', 'Ní Bhriain', 'Kelly', "O'Sullivan", 'Walsh', 'Mac Giolla Phádraig', 'Byrne'],
    cities: [['Dublin', 'D02 X285'], ['Cork', 'T12 K8AF'], ['Galway', 'H91 E2K3'], ['Limerick', 'V94 T9PX']],
    streets: ["O'Connell Street", 'Grafton Street', 'Patrick Street', 'Shop Street'],
    legalForms: ['Ltd', 'DAC', 'Teoranta'],
    brands: ['Liffey', 'Shannon', 'Emerald', 'Atlantic', 'Cill Airne'],
    cores: ['Consulting', 'Software', 'Freight', 'Foods', 'Media'],
    phone: (r) => `+353 ${r.pick(['1', '21', '91'])} ${d(r, 3)} ${d(r, 4)}`,
  },
  NL: {
    code: 'NL',
    currency: 'EUR',
    firstNames: ['Daan', 'Sanne', 'Joris', 'Femke', 'Sem', 'Lotte', 'Bram', 'Eva'],
    lastNames: ['de Vries', 'van der Berg', 'Jansen', 'Bakker', 'van Dijk', 'Visser', "'t Hart", 'Smit'],
    cities: [['Amsterdam', '1012 AB'], ['Rotterdam', '3011 AA'], ['Utrecht', '3511 AA'], ['Eindhoven', '5611 AA']],
    streets: ['Prinsengracht', 'Kalverstraat', 'Coolsingel', 'Oudegracht'],
    legalForms: ['B.V.', 'N.V.'],
    brands: ['Polder', 'Tulp', 'Molen', 'Zeewind'],
    cores: ['Adviesgroep', 'Logistiek', 'Techniek', 'Handel'],
    phone: (r) => `+31 ${r.pick(['20', '10', '30', '40'])} ${d(r, 3)} ${d(r, 4)}`,
  },
  ES: {
    code: 'ES',
    currency: 'EUR',
    firstNames: ['José', 'María', 'Ana-María', 'Íñigo', 'Lucía', 'Sergio', 'Núria', 'Álvaro'],
    lastNames: ['García', 'Martínez', 'López', 'Fernández', 'Muñoz', 'Peña', 'Ibáñez', 'Castaño'],
    cities: [['Madrid', '28001'], ['Barcelona', '08001'], ['Sevilla', '41001'], ['Zaragoza', '50001']],
    streets: ['Calle Mayor', 'Gran Vía', 'Paseo de Gràcia', 'Calle de Alcalá'],
    legalForms: ['S.L.', 'S.A.'],
    brands: ['Ibérica', 'Sol', 'Montaña', 'Mediterráneo'],
    cores: ['Consultoría', 'Logística', 'Ingeniería', 'Comercio'],
    phone: (r) => `+34 ${r.pick(['91', '93', '95'])} ${d(r, 3)} ${d(r, 2)} ${d(r, 2)}`,
  },
  IS: {
    code: 'IS',
    currency: 'EUR',
    firstNames: ['Þóra', 'Ægir', 'Guðrún', 'Sigurður', 'Björk', 'Ólafur'],
    lastNames: ['Jónsdóttir', 'Sigurðsson', 'Guðmundsdóttir', 'Þórsson', 'Ólafsson'],
    cities: [['Reykjavík', '101'], ['Akureyri', '600']],
    streets: ['Laugavegur', 'Skólavörðustígur', 'Hafnarstræti'],
    legalForms: ['ehf.', 'hf.'],
    brands: ['Hekla', 'Jökull', 'Norðurljós'],
    cores: ['Ráðgjöf', 'Hugbúnaður', 'Flutningar'],
    phone: (r) => `+354 ${d(r, 3)} ${d(r, 4)}`,
  },
  JP: {
    code: 'JP',
    currency: 'EUR',
    firstNames: ['太郎', '花子', '翔', 'さくら', '健一'],
    lastNames: ['山田', '佐藤', '鈴木', '高橋', '田中'],
    cities: [['東京', '100-0001'], ['大阪', '530-0001']],
    streets: ['丸の内1-1-1', '梅田2-4-9'],
    legalForms: ['株式会社'],
    brands: ['山田', '富士', '桜'],
    cores: ['商事', '電機', '物流'],
    phone: (r) => `+81 3 ${d(r, 4)} ${d(r, 4)}`,
  },
};

/** Where a tenant's customers mostly are, by the region its data lives in. */
export const HOME_COUNTRIES: Record<string, readonly CountryCode[]> = {
  'eu-west-1': ['IE', 'GB', 'NL', 'DE'],
  'eu-central-1': ['DE', 'PL', 'NL'],
  'eu-north-1': ['SE', 'DK', 'IS'],
  'eu-west-3': ['FR', 'ES'],
};

export const ALL_COUNTRIES = Object.keys(COUNTRIES) as CountryCode[];

/** Romanised forms for the e-mail local part of names ASCII folding cannot handle. */
const ROMAJI: Record<string, string> = {
  太郎: 'taro',
  花子: 'hanako',
  翔: 'sho',
  さくら: 'sakura',
  健一: 'kenichi',
  山田: 'yamada',
  佐藤: 'sato',
  鈴木: 'suzuki',
  高橋: 'takahashi',
  田中: 'tanaka',
  富士: 'fuji',
  桜: 'sakura',
  商事: 'shoji',
  電機: 'denki',
  物流: 'butsuryu',
  株式会社: 'kk',
  東京: 'tokyo',
  大阪: 'osaka',
};

const SPECIAL: Record<string, string> = { ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', ß: 'ss', þ: 'th', Þ: 'Th', ð: 'd', Ð: 'D', œ: 'oe', Œ: 'OE', đ: 'd' };

/** "Łukasz Ørsted-Müller" → "Lukasz Orsted-Muller": for e-mail addresses, domains and slugs. */
export function foldAscii(text: string): string {
  if (ROMAJI[text] !== undefined) return ROMAJI[text];
  let out = '';
  for (const ch of text.normalize('NFD')) {
    if (/[\u0300-\u036f]/.test(ch)) continue;
    const special = SPECIAL[ch];
    if (special !== undefined) out += special;
    else if (ROMAJI[ch] !== undefined) out += ROMAJI[ch];
    else out += ch;
  }
  return out;
}

/** Lower-case `a-z0-9` words joined by '-', e.g. "Müller Logistik GmbH & Co. KG" → "muller-logistik-gmbh-co-kg". */
export function slugify(text: string): string {
  const words = text.split(/\s+/).map((w) => foldAscii(w));
  return words
    .join(' ')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export const INDUSTRIES = [
  'Manufacturing',
  'Logistics',
  'Software',
  'Consulting',
  'Construction',
  'Retail',
  'Healthcare',
  'Energy',
  'Media & Publishing',
  'Hospitality',
  'Financial services',
  'Education',
  'Agriculture',
  'Non-profit',
] as const;

export const JOB_TITLES = [
  'CEO',
  'Managing Director',
  'Head of Sales',
  'Sales Manager',
  'Account Executive',
  'Procurement Lead',
  'CFO',
  'Office Manager',
  'Marketing Manager',
  'IT Administrator',
  'Project Manager',
  'Geschäftsführerin',
  'Kierownik projektu',
  'Inköpschef',
  'Directrice commerciale',
] as const;

export const SPACE_NAMES = [
  'Nordics expansion',
  'Q3 trade fair',
  'Partner programme',
  'Key accounts',
  'Public sector tenders',
  'Website relaunch',
  'Onboarding 2025',
  'Renewals',
  'DACH pipeline',
  'Événements Paris',
  'Projekt Łódź',
  'Customer advisory board',
] as const;

export const DEAL_WORDS = ['Licence renewal', 'Pilot project', 'Framework agreement', 'Hardware refresh', 'Support contract', 'Consulting retainer', 'Expansion', 'Migration', 'Training package', 'Annual maintenance'] as const;

export const TASK_TITLES = [
  'Send proposal',
  'Follow up after demo',
  'Prepare contract draft',
  'Call back about pricing',
  'Book meeting room',
  'Update forecast',
  'Check invoice status',
  'Send NDA',
  'Introduce to technical team',
  'Renewal reminder',
] as const;

export const TOPICS = ['pricing', 'the renewal', 'the pilot', 'onboarding', 'invoice 2024-117', 'the tender', 'integration', 'the new contract', 'delivery dates', 'support hours'] as const;

/** Note lines, some starting with '-', '@', '+' as people really type them (and as CSV formula traps). */
export const NOTE_LINES = [
  'Customer is happy with the pilot so far.',
  'Asked for a discount of 10%, we said we would check.',
  '- budget approved for next quarter',
  '- waiting for legal, "probably next week"',
  '@Anna please send them the updated price list',
  '+1 from their CTO, they want to go ahead',
  'Prefers e-mail over phone; reachable Tue–Thu.',
  'Mentioned competitors: Acme, Globex, and "the usual suspects".',
  'Next step: workshop with procurement, then contract.',
  'Invoice address changed, see attachment.',
  'Spoke German and English; documents in English please.',
  'Sent brochure, no reply yet.',
  'Rückruf erbeten, Ansprechpartnerin im Urlaub bis Montag.',
  'Klient prosi o ofertę w PLN.',
  'Ring tillbaka efter semestern.',
] as const;

export const LINE_DESCRIPTIONS = {
  income: ['Licence (annual)', 'Onboarding workshop', 'Support hours', 'Hardware', 'Training day', 'Implementation', 'Premium support'],
  expense: ['Travel', 'Subcontractor', 'Hardware purchase', 'Event booth', 'Shipping', 'Catering'],
} as const;
