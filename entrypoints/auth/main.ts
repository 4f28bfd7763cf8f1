/**
 * The auth document (offscreen on Chromium): answers the background's token requests with MSAL. On Firefox the
 * background page runs the same handlers itself (lib/auth/background.ts) and this page is never opened.
 */
import '@/lib/zod-jitless';
import { createAuthDocument } from '@/lib/auth/auth-document';
import { onMessages } from '@/lib/messaging';

onMessages('auth', createAuthDocument().handlers);
