import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';

interface FieldChrome {
  label: ReactNode;
  /** Shown under the control; an error replaces it. */
  hint?: ReactNode;
  error?: string | undefined;
  /** Hides the label visually; it stays the control's accessible name. */
  isLabelHidden?: boolean;
  className?: string;
}

function useFieldIds(id: string | undefined) {
  const generated = useId();
  const controlId = id ?? `f${generated}`;
  return { controlId, messageId: `${controlId}-msg` };
}

function FieldFrame({
  chrome,
  controlId,
  messageId,
  required,
  children,
}: {
  chrome: FieldChrome;
  controlId: string;
  messageId: string;
  required?: boolean | undefined;
  children: ReactNode;
}) {
  const { label, hint, error, isLabelHidden, className } = chrome;
  return (
    <div className={`field ${error ? 'has-error' : ''} ${className ?? ''}`}>
      {/* The asterisk sits outside the <label>, so the accessible name is exactly the label;
          `required` on the control tells assistive technology instead. */}
      <div className={isLabelHidden ? 'visually-hidden' : 'field-label-row'}>
        <label htmlFor={controlId} className="field-label">
          {label}
        </label>
        {required && !isLabelHidden ? (
          <span className="field-required" aria-hidden="true">
            *
          </span>
        ) : null}
      </div>
      {children}
      {/* The message line is always there, so an error appearing does not push the form down. */}
      <div id={messageId} className={error ? 'field-error' : 'field-hint'} data-testid={error ? 'field-error' : undefined} aria-live="polite">
        {error ?? hint ?? null}
      </div>
    </div>
  );
}

export type TextFieldProps = FieldChrome & Omit<InputHTMLAttributes<HTMLInputElement>, 'className'> & { ref?: Ref<HTMLInputElement>; inputClassName?: string };

export function TextField({ label, hint, error, isLabelHidden, className, id, required, inputClassName, ...input }: TextFieldProps) {
  const { controlId, messageId } = useFieldIds(id);
  return (
    <FieldFrame chrome={{ label, hint, error, isLabelHidden, className }} controlId={controlId} messageId={messageId} required={required}>
      <input
        id={controlId}
        className={`input ${inputClassName ?? ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? messageId : undefined}
        required={required}
        {...input}
      />
    </FieldFrame>
  );
}

export type TextAreaProps = FieldChrome & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'className'> & { ref?: Ref<HTMLTextAreaElement> };

export function TextArea({ label, hint, error, isLabelHidden, className, id, required, rows = 3, ...input }: TextAreaProps) {
  const { controlId, messageId } = useFieldIds(id);
  return (
    <FieldFrame chrome={{ label, hint, error, isLabelHidden, className }} controlId={controlId} messageId={messageId} required={required}>
      <textarea
        id={controlId}
        rows={rows}
        className="input textarea"
        aria-invalid={error ? true : undefined}
        aria-describedby={error || hint ? messageId : undefined}
        required={required}
        {...input}
      />
    </FieldFrame>
  );
}

export type SelectFieldProps = FieldChrome & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'className'> & { ref?: Ref<HTMLSelectElement> };

export function SelectField({ label, hint, error, isLabelHidden, className, id, required, children, ...select }: SelectFieldProps) {
  const { controlId, messageId } = useFieldIds(id);
  return (
    <FieldFrame chrome={{ label, hint, error, isLabelHidden, className }} controlId={controlId} messageId={messageId} required={required}>
      <div className="select-wrap">
        <select
          id={controlId}
          className="input select"
          aria-invalid={error ? true : undefined}
          aria-describedby={error || hint ? messageId : undefined}
          required={required}
          {...select}
        >
          {children}
        </select>
      </div>
    </FieldFrame>
  );
}

export function Checkbox({
  label,
  hint,
  className,
  id,
  ...input
}: { label: ReactNode; hint?: ReactNode; className?: string } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'className'>) {
  const { controlId, messageId } = useFieldIds(id);
  return (
    <div className={`checkbox ${className ?? ''}`}>
      <input id={controlId} type="checkbox" aria-describedby={hint ? messageId : undefined} {...input} />
      <label htmlFor={controlId}>
        {label}
        {hint ? (
          <span id={messageId} className="checkbox-hint">
            {hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}

/** A group of related controls with one visible caption (a fieldset with legend). */
export function FieldGroup({ legend, children, className, error }: { legend: ReactNode; children: ReactNode; className?: string; error?: string | undefined }) {
  return (
    <fieldset className={`field-group ${className ?? ''}`}>
      <legend className="field-label">{legend}</legend>
      {children}
      {error ? (
        <div className="field-error" data-testid="field-error">
          {error}
        </div>
      ) : null}
    </fieldset>
  );
}
