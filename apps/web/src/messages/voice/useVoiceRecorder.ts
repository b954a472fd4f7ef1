import { FILE_UPLOAD_DEFAULTS } from '@parley/api/protocol';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toast } from '../../app/toast.ts';
import { auth } from '../../auth/session.ts';
import type { Attachment } from '../../lib/media.ts';
import { uploadAs, UploadError } from '../uploads.ts';
import { recordingType } from './recording.ts';

export type RecorderState =
  | { phase: 'idle' }
  | { phase: 'starting' }
  | { phase: 'recording'; startedAt: number }
  | { phase: 'uploading'; progress: number };

const MAX_MS = FILE_UPLOAD_DEFAULTS.voiceMaxSeconds * 1000;

/**
 * Records a voice note with MediaRecorder (the microphone is asked for on the first start and
 * released when the recording ends), then uploads it with progress and hands it to `onSent`.
 * `cancel` drops a recording or an upload at any point. A recording stops by itself at the
 * longest a voice note may be, and is sent.
 */
export function useVoiceRecorder(onRecorded: (attachment: Attachment) => void) {
  const [state, setState] = useState<RecorderState>({ phase: 'idle' });
  const live = useRef<{
    recorder: MediaRecorder;
    stream: MediaStream;
    chunks: Blob[];
    timer: number;
  } | null>(null);
  const upload = useRef<AbortController | null>(null);
  /** Bumped by cancel: a start still waiting for the microphone then gives up. */
  const attempt = useRef(0);
  const sent = useRef(onRecorded);
  useEffect(() => {
    sent.current = onRecorded;
  });

  const release = useCallback(() => {
    const current = live.current;
    live.current = null;
    if (!current) return null;
    window.clearTimeout(current.timer);
    for (const track of current.stream.getTracks()) track.stop();
    return current;
  }, []);

  const cancel = useCallback(() => {
    const current = release();
    if (current && current.recorder.state !== 'inactive') {
      current.recorder.onstop = null;
      current.recorder.stop();
    }
    upload.current?.abort();
    upload.current = null;
    attempt.current += 1;
    setState({ phase: 'idle' });
  }, [release]);

  useEffect(() => cancel, [cancel]);

  const send = useCallback(() => {
    const current = release();
    if (!current) return;
    current.recorder.onstop = () => {
      const type = current.recorder.mimeType || 'audio/webm';
      const blob = new Blob(current.chunks, { type });
      const controller = new AbortController();
      upload.current = controller;
      setState({ phase: 'uploading', progress: 0 });
      uploadAs(
        'voice',
        blob,
        {
          name: type.startsWith('audio/ogg') ? 'voice.ogg' : 'voice.webm',
          signal: controller.signal,
          onProgress: (progress) => setState({ phase: 'uploading', progress }),
        },
        { auth },
      ).then(
        (attachment) => {
          if (controller.signal.aborted) return;
          upload.current = null;
          setState({ phase: 'idle' });
          sent.current(attachment);
        },
        (error: unknown) => {
          if (controller.signal.aborted) return;
          upload.current = null;
          setState({ phase: 'idle' });
          toast(
            `Voice message: ${error instanceof UploadError ? error.message : 'the upload failed.'}`,
          );
        },
      );
    };
    current.recorder.stop();
  }, [release]);

  const start = useCallback(async () => {
    if (live.current || upload.current) return;
    const type = recordingType((t) => MediaRecorder.isTypeSupported(t));
    if (!type || !navigator.mediaDevices?.getUserMedia) {
      toast('Voice messages cannot be recorded in this browser.');
      return;
    }
    setState({ phase: 'starting' });
    const mine = ++attempt.current;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      if (mine === attempt.current) setState({ phase: 'idle' });
      toast('Allow the microphone to record a voice message.');
      return;
    }
    if (mine !== attempt.current) {
      for (const track of stream.getTracks()) track.stop();
      return;
    }
    const recorder = new MediaRecorder(stream, { mimeType: type });
    const chunks: Blob[] = [];
    recorder.ondataavailable = (e) => {
      if (e.data.size > 0) chunks.push(e.data);
    };
    const timer = window.setTimeout(() => send(), MAX_MS - 500);
    live.current = { recorder, stream, chunks, timer };
    recorder.start(250);
    setState({ phase: 'recording', startedAt: Date.now() });
  }, [send]);

  return { state, start, send, cancel };
}
