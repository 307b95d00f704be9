import '@testing-library/jest-dom';

// userEvent-driven tests render MUI menus many times over; on a loaded 2-core CI machine a few of
// them need more than Jest's 5 s default. This is a hang guard, not a speed target.
jest.setTimeout(30_000);
