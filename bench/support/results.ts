// The flat set of named figures one run produces; a figure that could not be measured is null with a reason.

export class Results {
  readonly metrics: Record<string, number | null> = {};
  readonly reasons: Record<string, string> = {};

  set(name: string, value: number): void {
    this.metrics[name] = Number.isFinite(value) ? value : null;
    if (!Number.isFinite(value)) this.reasons[name] = `not a finite number (${value})`;
  }

  get(name: string): number | null | undefined {
    return this.metrics[name];
  }

  /** `name` = numerator ÷ denominator, both already set; null (with a reason) when either is missing. */
  ratio(name: string, numerator: string, denominator: string): void {
    const a = this.metrics[numerator];
    const b = this.metrics[denominator];
    if (typeof a === "number" && typeof b === "number" && b !== 0) this.set(name, a / b);
    else this.unavailable(name, `${numerator} or ${denominator} was not measured`);
  }

  unavailable(name: string, reason: string): void {
    this.metrics[name] = null;
    this.reasons[name] = reason;
  }
}
