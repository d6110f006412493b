/** Formats that settings written by people share across config files, specs and policies. */
package dev.scorestream.settings;
