import { createParleyClient } from '@parley/client';
const parley = createParleyClient({ url: 'http://localhost:3000' });
await parley.trpc.chat.send.mutate({ text: 'hi', clientMessageId: 'abcdefgh' });
