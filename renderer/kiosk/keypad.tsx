import { useTranslation } from 'react-i18next';
import './keypad.css';

const DIGIT_ROWS = [
  ['1', '2', '3'],
  ['4', '5', '6'],
  ['7', '8', '9'],
];
const LETTER_ROWS = ['1234567890', 'QWERTYUIOP', 'ASDFGHJKL', 'ZXCVBNM'];

// Keys keep the focus where it is (on the field being filled): mousedown would move it.
const keepFocus = (event: { preventDefault(): void }) => event.preventDefault();

/** The on-screen keypad: digits for dates and phones, or digits and letters for a code. */
export function Keypad({
  kind,
  onKey,
  onErase,
  onClear,
}: {
  kind: 'digits' | 'letters';
  onKey: (key: string) => void;
  onErase: () => void;
  onClear: () => void;
}) {
  const { t } = useTranslation();
  const eraseKey = (
    <button
      type="button"
      className="kiosk-key is-action"
      onMouseDown={keepFocus}
      onClick={onErase}
      aria-label={t('kiosk.delete')}
      data-testid="kiosk-key-delete"
    >
      <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false" className="kiosk-key-icon">
        <path d="M21 5H9l-6 7 6 7h12a1 1 0 0 0 1-1V6a1 1 0 0 0-1-1zM17 9l-6 6M11 9l6 6" />
      </svg>
    </button>
  );

  if (kind === 'digits') {
    return (
      <div className="kiosk-keypad is-digits" role="group" aria-label={t('kiosk.keypad')}>
        {DIGIT_ROWS.flat().map((key) => (
          <Key key={key} value={key} onKey={onKey} />
        ))}
        <button type="button" className="kiosk-key is-action" onMouseDown={keepFocus} onClick={onClear}>
          {t('kiosk.clear')}
        </button>
        <Key value="0" onKey={onKey} />
        {eraseKey}
      </div>
    );
  }
  return (
    <div className="kiosk-keypad is-letters" role="group" aria-label={t('kiosk.keypad')}>
      {LETTER_ROWS.map((row, index) => (
        <div key={row} className="kiosk-keypad-row">
          {[...row].map((key) => (
            <Key key={key} value={key} onKey={onKey} />
          ))}
          {index === LETTER_ROWS.length - 1 ? eraseKey : null}
        </div>
      ))}
    </div>
  );
}

function Key({ value, onKey }: { value: string; onKey: (key: string) => void }) {
  return (
    <button type="button" className="kiosk-key" onMouseDown={keepFocus} onClick={() => onKey(value)} data-testid={`kiosk-key-${value}`}>
      {value}
    </button>
  );
}
