import type { Locale } from '../../shared/contract/common';
import { catalogues } from '../../shared/i18n';
import type { Report, ReportFigures, Utilisation } from '../../shared/reports/reports.contract';
import { csvRow, UTF8_BOM } from '../audit/audit-csv';

type Cell = string | number | null;

const ratio = (value: number | null): Cell => (value === null ? null : Math.round(value * 10_000) / 10_000);

function figureCells(figures: ReportFigures): Cell[] {
  return [
    figures.booked,
    figures.attended,
    figures.cancelled,
    figures.cancelledAtDesk,
    figures.cancelledElsewhere,
    figures.noShows,
    ratio(figures.noShowRate),
    figures.walkIns,
    figures.leftUnseen,
    figures.waitMinutes.median,
    figures.waitMinutes.p90,
    figures.consultationMinutes.median,
    figures.consultationMinutes.p90,
  ];
}

const utilisationCells = (u: Utilisation | null): Cell[] => (u ? [u.bookedMinutes, u.workingMinutes, ratio(u.ratio)] : [null, null, null]);

/**
 * The report as one CSV table (the audit export's cells: quoted, formula-safe, CRLF, with a
 * BOM): the clinic's row, one per practitioner and specialty, then one per period of the
 * chart. Rates are fractions (0.125), durations whole minutes.
 */
export function reportCsv(report: Report, locale: Locale): { csv: string; rows: number } {
  const words = catalogues[locale].reports;
  const f = words.figures;
  const header = [
    words.csv.section,
    words.csv.name,
    words.csv.from,
    words.csv.to,
    f.booked,
    f.attended,
    f.cancelled,
    f.cancelledAtDesk,
    f.cancelledElsewhere,
    f.noShows,
    f.noShowRate,
    f.walkIns,
    f.leftUnseen,
    f.waitMedian,
    f.waitP90,
    f.consultationMedian,
    f.consultationP90,
    f.bookedMinutes,
    f.workingMinutes,
    f.utilisation,
  ];
  const lines: Cell[][] = [
    [words.csv.total, words.tables.total, report.from, report.to, ...figureCells(report.total), ...utilisationCells(report.total.utilisation)],
    ...report.practitioners.map((p) => [words.csv.practitioner, p.name, report.from, report.to, ...figureCells(p), ...utilisationCells(p.utilisation)]),
    ...report.specialties.map((s) => [
      words.csv.specialty,
      locale === 'pt' ? s.namePt : s.nameEn,
      report.from,
      report.to,
      ...figureCells(s),
      ...utilisationCells(null),
    ]),
    ...report.series.map((point) => [
      words.csv.period,
      point.key,
      null,
      null,
      point.booked,
      point.attended,
      point.cancelled,
      null,
      null,
      point.noShows,
      null,
      point.walkIns,
    ]),
  ];
  return { csv: UTF8_BOM + csvRow(header) + lines.map((cells) => csvRow(cells)).join(''), rows: lines.length };
}
