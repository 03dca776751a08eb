import { IConstruct } from 'constructs';

/**
 * Builds the error thrown for a wrong or contradictory prop.
 *
 * The message names the construct path, then says which prop, what value was received and
 * what would be valid; callers write the last two parts.
 */
export function propError(scope: IConstruct, message: string): Error {
  const error = new Error(`${scope.node.path}: ${message}`);
  error.name = 'ValidationError';
  return error;
}
