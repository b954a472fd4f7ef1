import { ConversationRuleError } from '@parley/db';
import { AppError } from '../errors.ts';

type Explanations = Record<ConversationRuleError['reason'], [AppError['code'], string]>;

const EXPLANATIONS: Explanations = {
  not_found: ['NOT_FOUND', 'That conversation does not exist, or you are not in it.'],
  not_member: ['FORBIDDEN', 'You are no longer a member of this conversation.'],
  forbidden: ['FORBIDDEN', 'Your role in this group does not allow that.'],
  target_not_member: ['NOT_FOUND', 'That person is not a member of this group.'],
  full: ['CONFLICT', 'This group is full.'],
  closed: ['CONFLICT', 'This group was closed when its last member left.'],
  not_public: ['NOT_FOUND', 'That group does not exist or is not public.'],
  unknown_user: ['NOT_FOUND', 'One of those people does not exist.'],
};

/** The store's refusal of a conversation rule as a readable error; anything else is rethrown. */
export function explainRule(error: unknown, overrides: Partial<Explanations> = {}): never {
  if (!(error instanceof ConversationRuleError)) throw error;
  const [code, message] = overrides[error.reason] ?? EXPLANATIONS[error.reason];
  throw new AppError(code, message);
}
