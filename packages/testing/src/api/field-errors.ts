// Field errors shaped like k8s.io/apimachinery/pkg/util/validation/field: the causes of a 422 Invalid.

/** One field error, like k8s.io/apimachinery/pkg/util/validation/field.Error. */
export interface FieldError {
  type:
    | 'FieldValueInvalid'
    | 'FieldValueRequired'
    | 'FieldValueForbidden'
    | 'FieldValueTooLong'
    | 'FieldValueNotSupported'
    | 'FieldValueDuplicate'
    | 'FieldValueTypeInvalid'
    | 'FieldValueTooMany';
  field: string;
  /** Text after the type prefix, e.g. `Invalid value: "x": must be ...`. */
  body: string;
}

export function goQuote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

export function fieldInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, body: `Invalid value: ${goQuote(value)}: ${detail}` };
}

export function fieldRequired(field: string, detail: string): FieldError {
  return { type: 'FieldValueRequired', field, body: detail ? `Required value: ${detail}` : 'Required value' };
}

export function fieldForbidden(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, body: `Forbidden: ${detail}` };
}

export function fieldTooLong(field: string, max: number): FieldError {
  return { type: 'FieldValueTooLong', field, body: `Too long: must have at most ${max} bytes` };
}

export function fieldDuplicate(field: string, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, body: `Duplicate value: ${goQuote(value)}` };
}

export function fieldNotSupported(field: string, value: unknown, supported: string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    body: `Unsupported value: ${goQuote(value)}: supported values: ${supported.map((s) => `"${s}"`).join(', ')}`,
  };
}

export function fieldErrorString(e: FieldError): string {
  return e.field ? `${e.field}: ${e.body}` : e.body;
}
