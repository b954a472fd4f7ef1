import { startEchoBot } from './echo-bot.ts';

const { PARLEY_URL = 'http://localhost:3000', PARLEY_LOGIN, PARLEY_PASSWORD } = process.env;
if (!PARLEY_LOGIN || !PARLEY_PASSWORD) {
  console.error(
    'Set PARLEY_LOGIN and PARLEY_PASSWORD (an account of the bot) and optionally PARLEY_URL.',
  );
  process.exit(1);
}
const bot = await startEchoBot({ url: PARLEY_URL, login: PARLEY_LOGIN, password: PARLEY_PASSWORD });
process.once('SIGINT', () => void bot.stop().then(() => process.exit(0)));
