import { createParleyClient } from '@parley/client';
// exactOptionalPropertyTypes: an optional option is left out, not set to a wrong type.
createParleyClient({ url: 'http://localhost:3000', transport: 'carrier-pigeon' });
