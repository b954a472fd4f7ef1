/** Why a voice note could not be read (the service turns it into a readable AppError). */
export class VoiceFormatError extends Error {
  constructor(
    message: string,
    /** The bytes are not a container Parley accepts at all (rather than a damaged one). */
    readonly unsupported = false,
  ) {
    super(message);
    this.name = 'VoiceFormatError';
  }
}
