import { createParleyClient } from '@parley/client';
const parley = createParleyClient({ url: 'http://localhost:3000' });
await parley.subscribe(({ data }) => console.log(data.message.text));
