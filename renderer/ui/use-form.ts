import { useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ZodType } from 'zod';
import { clientFieldErrors, serverFieldErrors } from '../i18n/errors';
import { RpcError } from '../transport/rpc-error';

/**
 * The submit cycle every setup form shares: check with the contract's schema, send, map a
 * VALIDATION answer back onto the fields, keep any other error for the form's alert.
 */
export function useContractForm<V extends Record<string, unknown>, I>(options: {
  initial: V;
  schema: ZodType;
  toInput: (values: V) => I;
  submit: (input: I) => Promise<unknown>;
  onDone?: () => void;
  /** Extra checks the schema cannot do (e.g. password confirmation). */
  check?: (values: V) => Record<string, string | undefined>;
}) {
  const { t } = useTranslation();
  const [values, setValues] = useState<V>(options.initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<RpcError | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const setValue = <K extends keyof V>(key: K, value: V[K]) => {
    setValues((current) => ({ ...current, [key]: value }));
    if (errors[key as string]) setErrors(({ [key as string]: _removed, ...rest }) => rest);
  };

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    const input = options.toInput(values);
    const extra = Object.entries(options.check?.(values) ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
    const found = { ...clientFieldErrors(t, options.schema, input), ...Object.fromEntries(extra) };
    setErrors(found);
    setError(null);
    if (Object.keys(found).length > 0) {
      focusFirstError(formRef.current ?? document);
      return;
    }
    setIsBusy(true);
    try {
      await options.submit(input);
      setIsBusy(false);
      options.onDone?.();
    } catch (caught) {
      const rpcError = RpcError.from(caught);
      const onFields = serverFieldErrors(t, rpcError);
      setErrors(onFields);
      // An error that names its field (a taken username) is said there, not twice.
      setError(rpcError.code !== 'VALIDATION' && typeof rpcError.details.field === 'string' && Object.keys(onFields).length > 0 ? null : rpcError);
      setIsBusy(false);
    }
  };

  return { values, setValues, setValue, errors, error, isBusy, onSubmit, formRef };
}

/** Moves the focus to the first field marked invalid, after React has rendered the messages. */
export function focusFirstError(root: ParentNode = document) {
  requestAnimationFrame(() => {
    const invalid = root.querySelector<HTMLElement>('[aria-invalid="true"]');
    invalid?.focus();
  });
}
