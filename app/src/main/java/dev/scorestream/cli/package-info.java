/**
 * The {@code scorer} command line (picocli). Commands only parse arguments and call the library; a
 * bad argument prints usage and exits with code 2.
 */
package dev.scorestream.cli;
