export {};
//# sourceMappingURL=VirtualClock.test.d.ts.map