"""督办助手 (duban): settings, the command line, and (soon) the Telegram Application."""
