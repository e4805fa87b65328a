// What the person has typed on the set-up screen, kept in memory while they visit another screen (to add
// a partner key in Settings, say) so that coming back loses nothing. Nothing here is secret.

export const setupDraft = $state({ userId: "", walletAddress: "", walletLabel: "" });
