import { afterEach, beforeEach, describe } from 'vitest';
import type { Store } from '../store.ts';
import { actionContract } from './actions.ts';
import { attachmentContract } from './attachments.ts';
import { conversationContract } from './conversations.ts';
import { eventContract } from './events.ts';
import { fileContract } from './files.ts';
import { groupContract } from './groups.ts';
import type { ContractContext } from './fixtures.ts';
import { lifecycleContract } from './lifecycle.ts';
import { limitContract } from './limits.ts';
import { linkPreviewContract } from './link-previews.ts';
import { messageContract } from './messages.ts';
import { organiseContract } from './organise.ts';
import { pushContract } from './push.ts';
import { receiptContract } from './receipts.ts';
import { searchContract } from './search.ts';
import { safetyContract } from './safety.ts';
import { sessionContract } from './sessions.ts';
import { userContract } from './users.ts';

/**
 * The behaviour every `Store` adapter must have. Call it from an adapter's test file;
 * `open` must return a fresh, empty store on every call (each test gets its own and closes it).
 */
export function runStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let current: Store | null = null;

    beforeEach(async () => {
      current = await open();
    });

    afterEach(async () => {
      await current?.close();
      current = null;
    });

    const context: ContractContext = {
      store() {
        if (!current) throw new Error('the store is only open inside a test');
        return current;
      },
      open,
    };

    lifecycleContract(context);
    userContract(context);
    sessionContract(context);
    messageContract(context);
    conversationContract(context);
    groupContract(context);
    fileContract(context);
    receiptContract(context);
    eventContract(context);
    attachmentContract(context);
    actionContract(context);
    searchContract(context);
    organiseContract(context);
    pushContract(context);
    safetyContract(context);
    limitContract(context);
    linkPreviewContract(context);
  });
}
