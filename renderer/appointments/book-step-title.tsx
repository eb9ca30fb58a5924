/** A booking card's title with its step number (1 patient, 2 what and when, 3 free times). */
export function StepTitle({ n, text }: { n: number; text: string }) {
  return (
    <span className="step-title">
      <span className="step-number" aria-hidden="true">
        {n}
      </span>
      {text}
    </span>
  );
}
