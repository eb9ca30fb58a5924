import { addDays } from '../schedule/wall-clock';

/** A national holiday on a calendar day ('YYYY-MM-DD'), named in both languages of the app. */
export interface NationalHoliday {
  day: string;
  nameEn: string;
  namePt: string;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/**
 * Easter Sunday of a Gregorian year, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher),
 * exact for every Gregorian year, so the movable holidays need no table to keep up to date.
 */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return `${year}-${pad(month)}-${pad(day)}`;
}

const fixed: ReadonlyArray<{ month: number; day: number; nameEn: string; namePt: string }> = [
  { month: 1, day: 1, nameEn: 'New Year’s Day', namePt: 'Ano Novo' },
  { month: 4, day: 25, nameEn: 'Freedom Day', namePt: 'Dia da Liberdade' },
  { month: 5, day: 1, nameEn: 'Labour Day', namePt: 'Dia do Trabalhador' },
  { month: 6, day: 10, nameEn: 'Portugal Day', namePt: 'Dia de Portugal, de Camões e das Comunidades Portuguesas' },
  { month: 8, day: 15, nameEn: 'Assumption Day', namePt: 'Assunção de Nossa Senhora' },
  { month: 10, day: 5, nameEn: 'Republic Day', namePt: 'Implantação da República' },
  { month: 11, day: 1, nameEn: 'All Saints’ Day', namePt: 'Dia de Todos os Santos' },
  { month: 12, day: 1, nameEn: 'Restoration of Independence', namePt: 'Restauração da Independência' },
  { month: 12, day: 8, nameEn: 'Immaculate Conception', namePt: 'Imaculada Conceição' },
  { month: 12, day: 25, nameEn: 'Christmas Day', namePt: 'Natal' },
];

/**
 * Portugal's national holidays of a year, by day. Carnival is left out on purpose: it is
 * not a national holiday (only an optional day off), so a clinic adds it as its own if it closes.
 */
export function portugueseNationalHolidays(year: number): NationalHoliday[] {
  const easter = easterSunday(year);
  const holidays: NationalHoliday[] = [
    ...fixed.map((h) => ({ day: `${year}-${pad(h.month)}-${pad(h.day)}`, nameEn: h.nameEn, namePt: h.namePt })),
    { day: addDays(easter, -2), nameEn: 'Good Friday', namePt: 'Sexta-feira Santa' },
    { day: easter, nameEn: 'Easter Sunday', namePt: 'Domingo de Páscoa' },
    { day: addDays(easter, 60), nameEn: 'Corpus Christi', namePt: 'Corpo de Deus' },
  ];
  return holidays.sort((a, b) => a.day.localeCompare(b.day));
}
