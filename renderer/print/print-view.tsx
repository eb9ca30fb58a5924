import { useEffect, useRef, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { TICKET_MAX_HEIGHT_MM, TICKET_WIDTH_MM, type PaperSize, type PrintResult } from '../../shared/print/print';
import { Button } from '../ui/button';
import { printDocument } from './print';
import './print.css';

/** Each paper's `@page` rule: only one print view is open at a time, so one rule is in force. */
export function pageRule(paper: PaperSize, ticketHeightMm?: number): string {
  if (paper === 'a4') return '@page { size: A4; margin: 14mm 16mm; }';
  // CSS has no "as long as the content" page: the ticket's measured length, else the longest.
  return `@page { size: ${TICKET_WIDTH_MM}mm ${Math.ceil(ticketHeightMm ?? TICKET_MAX_HEIGHT_MM)}mm; margin: 0; }`;
}

/**
 * Puts an `@page` rule in force while the component is mounted. Through a constructed style
 * sheet: the content security policy (style-src 'self') refuses inline <style> elements, and
 * the ticket's page length is only known once it is laid out.
 */
export function usePageRule(rule: string): void {
  useEffect(() => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(rule);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    return () => {
      document.adoptedStyleSheets = document.adoptedStyleSheets.filter((adopted) => adopted !== sheet);
    };
  }, [rule]);
}

export interface PrintViewProps {
  /** Names the PDF file and the print job. */
  title: string;
  paper: PaperSize;
  onClose(): void;
  onResult?(result: PrintResult): void;
  /** Choices above the document (whose day list), never printed. */
  controls?: ReactNode;
  children: ReactNode;
}

/**
 * A document on its own, over the app: on screen a sheet with Print, Save as PDF and Close;
 * in print media only the sheet (print.css hides everything else), so the browser and the
 * app print exactly the document.
 */
export function PrintView({ title, paper, onClose, onResult, controls, children }: PrintViewProps) {
  const { t } = useTranslation();
  const printRef = useRef<HTMLButtonElement>(null);
  usePageRule(pageRule(paper));
  useEffect(() => printRef.current?.focus(), []);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  const run = (action: 'print' | 'pdf') => void printDocument({ action, title, paper }).then((result) => onResult?.(result));

  return createPortal(
    <div className="print-view" role="dialog" aria-modal="true" aria-label={title} data-testid="print-view" data-paper={paper}>
      <div className="print-toolbar no-print">
        <div className="print-toolbar-title">{title}</div>
        {controls}
        <div className="print-toolbar-actions">
          <Button ref={printRef} variant="primary" onClick={() => run('print')} data-testid="print-print">
            {t('print.print')}
          </Button>
          <Button variant="secondary" onClick={() => run('pdf')} data-testid="print-pdf">
            {t('print.savePdf')}
          </Button>
          <Button variant="ghost" onClick={onClose} data-testid="print-close">
            {t('common.close')}
          </Button>
        </div>
      </div>
      <div className={`print-sheet print-sheet-${paper}`}>{children}</div>
    </div>,
    document.body,
  );
}
