import { useId, type InputHTMLAttributes } from 'react';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'id'> & { label: string; testId?: string; help?: string };

/** A labelled input: the label is a real <label for>, which screen readers and Playwright's getByLabel use. */
export function Field({ label, testId, help, className, ...input }: Props) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label className="field__label" htmlFor={id}>
        {label}
      </label>
      <input id={id} className="input" data-testid={testId} aria-describedby={helpId} {...input} />
      {help ? (
        <p className="field__help" id={helpId}>
          {help}
        </p>
      ) : null}
    </div>
  );
}
