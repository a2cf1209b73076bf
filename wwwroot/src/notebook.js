// Notebook page: placeholder until the editor issue lands (shows cells read-only).
export {};
