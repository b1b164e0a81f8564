/** nichesim's version; a test keeps it equal to package.json's. */
export const NICHESIM_VERSION = '0.1.0';
