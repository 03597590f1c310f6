divert(-1)dnl
#
# sw_options.m4 -- the confXXX names that become O lines, in one table.
# Each row is _sw_opt(`confNAME', `OptionName'[, `value written even when
# the .mc leaves the name undefined']).  sw_emit.m4 redefines _sw_opt to
# print the rows and expands _sw_option_table.  The same names, with the
# macros, classes and headers that are not options, are listed for tools
# in ../conf-names.txt.
#
define(`_sw_option_table', `dnl
_sw_opt(`confTRUSTED_USER', `TrustedUser')dnl
_sw_opt(`confSEVEN_BIT_INPUT', `SevenBitInput', `False')dnl
_sw_opt(`confEIGHT_BIT_HANDLING', `EightBitMode')dnl
_sw_opt(`confALIAS_WAIT', `AliasWait', `10')dnl
_sw_opt(`confMIN_FREE_BLOCKS', `MinFreeBlocks', `100')dnl
_sw_opt(`confMAX_MESSAGE_SIZE', `MaxMessageSize')dnl
_sw_opt(`confBLANK_SUB', `BlankSub', `.')dnl
_sw_opt(`confCON_EXPENSIVE', `HoldExpensive', `False')dnl
_sw_opt(`confCHECKPOINT_INTERVAL', `CheckpointInterval')dnl
_sw_opt(`confDELIVERY_MODE', `DeliveryMode', `background')dnl
_sw_opt(`confERROR_MODE', `ErrorMode')dnl
_sw_opt(`confERROR_MESSAGE', `ErrorHeader')dnl
_sw_opt(`confSAVE_FROM_LINES', `SaveFromLine')dnl
_sw_opt(`confTEMP_FILE_MODE', `TempFileMode', `0600')dnl
_sw_opt(`confMATCH_GECOS', `MatchGECOS')dnl
_sw_opt(`confMAX_HOP', `MaxHopCount')dnl
_sw_opt(`confIGNORE_DOTS', `IgnoreDots')dnl
_sw_opt(`confBIND_OPTS', `ResolverOptions')dnl
_sw_opt(`confMIME_FORMAT_ERRORS', `SendMimeErrors', `True')dnl
_sw_opt(`confFORWARD_PATH', `ForwardPath', `$z/.forward.$w:$z/.forward')dnl
_sw_opt(`confMCI_CACHE_SIZE', `ConnectionCacheSize', `2')dnl
_sw_opt(`confMCI_CACHE_TIMEOUT', `ConnectionCacheTimeout', `5m')dnl
_sw_opt(`confHOST_STATUS_DIRECTORY', `HostStatusDirectory')dnl
_sw_opt(`confSINGLE_THREAD_DELIVERY', `SingleThreadDelivery')dnl
_sw_opt(`confUSE_ERRORS_TO', `UseErrorsTo', `False')dnl
_sw_opt(`confUSE_COMPRESSED_IPV6_ADDRESSES', `UseCompressedIPv6Addresses')dnl
_sw_opt(`confLOG_LEVEL', `LogLevel', `9')dnl
_sw_opt(`confME_TOO', `MeToo')dnl
_sw_opt(`confCHECK_ALIASES', `CheckAliases', `False')dnl
_sw_opt(`confOLD_STYLE_HEADERS', `OldStyleHeaders', `True')dnl
_sw_opt(`confPRIVACY_FLAGS', `PrivacyOptions', `authwarnings')dnl
_sw_opt(`confCOPY_ERRORS_TO', `PostmasterCopy')dnl
_sw_opt(`confQUEUE_FACTOR', `QueueFactor')dnl
_sw_opt(`confQUEUE_FILE_MODE', `QueueFileMode')dnl
_sw_opt(`confDONT_PRUNE_ROUTES', `DontPruneRoutes')dnl
_sw_opt(`confSAFE_QUEUE', `SuperSafe', `True')dnl
_sw_opt(`confTO_INITIAL', `Timeout.initial')dnl
_sw_opt(`confTO_CONNECT', `Timeout.connect')dnl
_sw_opt(`confTO_ICONNECT', `Timeout.iconnect')dnl
_sw_opt(`confTO_ACONNECT', `Timeout.aconnect')dnl
_sw_opt(`confTO_HELO', `Timeout.helo')dnl
_sw_opt(`confTO_MAIL', `Timeout.mail')dnl
_sw_opt(`confTO_RCPT', `Timeout.rcpt')dnl
_sw_opt(`confTO_DATAINIT', `Timeout.datainit')dnl
_sw_opt(`confTO_DATABLOCK', `Timeout.datablock')dnl
_sw_opt(`confTO_DATAFINAL', `Timeout.datafinal')dnl
_sw_opt(`confTO_RSET', `Timeout.rset')dnl
_sw_opt(`confTO_QUIT', `Timeout.quit')dnl
_sw_opt(`confTO_MISC', `Timeout.misc')dnl
_sw_opt(`confTO_COMMAND', `Timeout.command')dnl
_sw_opt(`confTO_IDENT', `Timeout.ident')dnl
_sw_opt(`confTO_FILEOPEN', `Timeout.fileopen')dnl
_sw_opt(`confTO_LHLO', `Timeout.lhlo')dnl
_sw_opt(`confTO_AUTH', `Timeout.auth')dnl
_sw_opt(`confTO_STARTTLS', `Timeout.starttls')dnl
_sw_opt(`confTO_CONTROL', `Timeout.control')dnl
_sw_opt(`confTO_QUEUERETURN', `Timeout.queuereturn', `5d')dnl
_sw_opt(`confTO_QUEUERETURN_NORMAL', `Timeout.queuereturn.normal')dnl
_sw_opt(`confTO_QUEUERETURN_URGENT', `Timeout.queuereturn.urgent')dnl
_sw_opt(`confTO_QUEUERETURN_NONURGENT', `Timeout.queuereturn.non-urgent')dnl
_sw_opt(`confTO_QUEUERETURN_DSN', `Timeout.queuereturn.dsn')dnl
_sw_opt(`confTO_QUEUEWARN', `Timeout.queuewarn', `4h')dnl
_sw_opt(`confTO_QUEUEWARN_NORMAL', `Timeout.queuewarn.normal')dnl
_sw_opt(`confTO_QUEUEWARN_URGENT', `Timeout.queuewarn.urgent')dnl
_sw_opt(`confTO_QUEUEWARN_NONURGENT', `Timeout.queuewarn.non-urgent')dnl
_sw_opt(`confTO_QUEUEWARN_DSN', `Timeout.queuewarn.dsn')dnl
_sw_opt(`confTO_HOSTSTATUS', `Timeout.hoststatus')dnl
_sw_opt(`confTO_RESOLVER_RETRANS', `Timeout.resolver.retrans')dnl
_sw_opt(`confTO_RESOLVER_RETRANS_FIRST', `Timeout.resolver.retrans.first')dnl
_sw_opt(`confTO_RESOLVER_RETRANS_NORMAL', `Timeout.resolver.retrans.normal')dnl
_sw_opt(`confTO_RESOLVER_RETRY', `Timeout.resolver.retry')dnl
_sw_opt(`confTO_RESOLVER_RETRY_FIRST', `Timeout.resolver.retry.first')dnl
_sw_opt(`confTO_RESOLVER_RETRY_NORMAL', `Timeout.resolver.retry.normal')dnl
_sw_opt(`confTIME_ZONE', `TimeZoneSpec')dnl
_sw_opt(`confDEF_USER_ID', `DefaultUser')dnl
_sw_opt(`confUSERDB_SPEC', `UserDatabaseSpec')dnl
_sw_opt(`confFALLBACK_MX', `FallbackMXhost')dnl
_sw_opt(`confFALLBACK_SMARTHOST', `FallbackSmartHost')dnl
_sw_opt(`confTLS_FALLBACK_TO_CLEAR', `TLSFallbacktoClear')dnl
_sw_opt(`confTRY_NULL_MX_LIST', `TryNullMXList')dnl
_sw_opt(`confQUEUE_LA', `QueueLA')dnl
_sw_opt(`confREFUSE_LA', `RefuseLA')dnl
_sw_opt(`confREJECT_LOG_INTERVAL', `RejectLogInterval')dnl
_sw_opt(`confDELAY_LA', `DelayLA')dnl
_sw_opt(`confMAX_ALIAS_RECURSION', `MaxAliasRecursion')dnl
_sw_opt(`confMAX_DAEMON_CHILDREN', `MaxDaemonChildren')dnl
_sw_opt(`confMAX_HEADERS_LENGTH', `MaxHeadersLength')dnl
_sw_opt(`confMAX_MIME_HEADER_LENGTH', `MaxMimeHeaderLength')dnl
_sw_opt(`confCONNECTION_RATE_THROTTLE', `ConnectionRateThrottle')dnl
_sw_opt(`confCONNECTION_RATE_WINDOW_SIZE', `ConnectionRateWindowSize')dnl
_sw_opt(`confWORK_RECIPIENT_FACTOR', `RecipientFactor')dnl
_sw_opt(`confSEPARATE_PROC', `ForkEachJob')dnl
_sw_opt(`confWORK_CLASS_FACTOR', `ClassFactor')dnl
_sw_opt(`confWORK_TIME_FACTOR', `RetryFactor')dnl
_sw_opt(`confQUEUE_SORT_ORDER', `QueueSortOrder')dnl
_sw_opt(`confMAX_QUEUE_AGE', `MaxQueueAge')dnl
_sw_opt(`confMIN_QUEUE_AGE', `MinQueueAge')dnl
_sw_opt(`confDEF_CHAR_SET', `DefaultCharSet')dnl
_sw_opt(`confSERVICE_SWITCH_FILE', `ServiceSwitchFile')dnl
_sw_opt(`confHOSTS_FILE', `HostsFile')dnl
_sw_opt(`confDIAL_DELAY', `DialDelay')dnl
_sw_opt(`confNO_RCPT_ACTION', `NoRecipientAction')dnl
_sw_opt(`confSAFE_FILE_ENV', `SafeFileEnvironment')dnl
_sw_opt(`confCOLON_OK_IN_ADDR', `ColonOkInAddr')dnl
_sw_opt(`confMAX_QUEUE_RUN_SIZE', `MaxQueueRunSize')dnl
_sw_opt(`confMAX_QUEUE_CHILDREN', `MaxQueueChildren')dnl
_sw_opt(`confMAX_RUNNERS_PER_QUEUE', `MaxRunnersPerQueue')dnl
_sw_opt(`confDONT_EXPAND_CNAMES', `DontExpandCnames')dnl
_sw_opt(`confFROM_LINE', `UnixFromLine', `From $g $d')dnl
_sw_opt(`confSINGLE_LINE_FROM_HEADER', `SingleLineFromHeader')dnl
_sw_opt(`confALLOW_BOGUS_HELO', `AllowBogusHELO')dnl
_sw_opt(`confMUST_QUOTE_CHARS', `MustQuoteChars')dnl
_sw_opt(`confOPERATORS', `OperatorChars', `.:%@!^/[]+')dnl
_sw_opt(`confSMTP_LOGIN_MSG', `SmtpGreetingMessage', `$j Sendmail $v/$Z; $b')dnl
_sw_opt(`confDONT_INIT_GROUPS', `DontInitGroups')dnl
_sw_opt(`confUNSAFE_GROUP_WRITES', `UnsafeGroupWrites')dnl
_sw_opt(`confCONNECT_ONLY_TO', `ConnectOnlyTo')dnl
_sw_opt(`confCONTROL_SOCKET_NAME', `ControlSocketName')dnl
_sw_opt(`confDOUBLE_BOUNCE_ADDRESS', `DoubleBounceAddress')dnl
_sw_opt(`confSOFT_BOUNCE', `SoftBounce')dnl
_sw_opt(`confDEAD_LETTER_DROP', `DeadLetterDrop')dnl
_sw_opt(`confRRT_IMPLIES_DSN', `RrtImpliesDsn')dnl
_sw_opt(`confRUN_AS_USER', `RunAsUser')dnl
_sw_opt(`confMAX_RCPTS_PER_MESSAGE', `MaxRecipientsPerMessage')dnl
_sw_opt(`confBAD_RCPT_THROTTLE', `BadRcptThrottle')dnl
_sw_opt(`confDONT_PROBE_INTERFACES', `DontProbeInterfaces')dnl
_sw_opt(`confPID_FILE', `PidFile')dnl
_sw_opt(`confPROCESS_TITLE_PREFIX', `ProcessTitlePrefix')dnl
_sw_opt(`confDONT_BLAME_SENDMAIL', `DontBlameSendmail')dnl
_sw_opt(`confDF_BUFFER_SIZE', `DataFileBufferSize')dnl
_sw_opt(`confXF_BUFFER_SIZE', `XscriptFileBufferSize')dnl
_sw_opt(`confAUTH_MECHANISMS', `AuthMechanisms')dnl
_sw_opt(`confAUTH_REALM', `AuthRealm')dnl
_sw_opt(`confDEF_AUTH_INFO', `DefaultAuthInfo')dnl
_sw_opt(`confAUTH_OPTIONS', `AuthOptions')dnl
_sw_opt(`confAUTH_MAX_BITS', `AuthMaxBits')dnl
_sw_opt(`confTLS_SRV_OPTIONS', `TLSSrvOptions')dnl
_sw_opt(`confSERVER_SSL_OPTIONS', `ServerSSLOptions')dnl
_sw_opt(`confCLIENT_SSL_OPTIONS', `ClientSSLOptions')dnl
_sw_opt(`confCIPHER_LIST', `CipherList')dnl
_sw_opt(`confLDAP_DEFAULT_SPEC', `LDAPDefaultSpec')dnl
_sw_opt(`confCACERT_PATH', `CACertPath')dnl
_sw_opt(`confCACERT', `CACertFile')dnl
_sw_opt(`confSERVER_CERT', `ServerCertFile')dnl
_sw_opt(`confSERVER_KEY', `ServerKeyFile')dnl
_sw_opt(`confCLIENT_CERT', `ClientCertFile')dnl
_sw_opt(`confCLIENT_KEY', `ClientKeyFile')dnl
_sw_opt(`confCRL', `CRLFile')dnl
_sw_opt(`confCRL_PATH', `CRLPath')dnl
_sw_opt(`confDH_PARAMETERS', `DHParameters')dnl
_sw_opt(`confDANE', `DANE')dnl
_sw_opt(`confRAND_FILE', `RandFile')dnl
_sw_opt(`confCERT_FINGERPRINT_ALGORITHM', `CertFingerprintAlgorithm')dnl
_sw_opt(`confSSL_ENGINE', `SSLEngine')dnl
_sw_opt(`confSSL_ENGINE_PATH', `SSLEnginePath')dnl
_sw_opt(`confNICE_QUEUE_RUN', `NiceQueueRun')dnl
_sw_opt(`confDIRECT_SUBMISSION_MODIFIERS', `DirectSubmissionModifiers')dnl
_sw_opt(`confUSE_MSP', `UseMSP')dnl
_sw_opt(`confDELIVER_BY_MIN', `DeliverByMin')dnl
_sw_opt(`confREQUIRES_DIR_FSYNC', `RequiresDirfsync')dnl
_sw_opt(`confSHARED_MEMORY_KEY', `SharedMemoryKey')dnl
_sw_opt(`confSHARED_MEMORY_KEY_FILE', `SharedMemoryKeyFile')dnl
_sw_opt(`confFAST_SPLIT', `FastSplit')dnl
_sw_opt(`confMAILBOX_DATABASE', `MailboxDatabase')dnl
_sw_opt(`confMAX_NOOP_COMMANDS', `MaxNOOPCommands')dnl
_sw_opt(`confHELO_NAME', `HeloName')dnl
_sw_opt(`confREJECT_NUL', `RejectNUL')dnl
_sw_opt(`confINPUT_MAIL_FILTERS', `InputMailFilters')dnl
_sw_opt(`confMILTER_LOG_LEVEL', `Milter.LogLevel')dnl
_sw_opt(`confMILTER_MACROS_CONNECT', `Milter.macros.connect')dnl
_sw_opt(`confMILTER_MACROS_HELO', `Milter.macros.helo')dnl
_sw_opt(`confMILTER_MACROS_ENVFROM', `Milter.macros.envfrom')dnl
_sw_opt(`confMILTER_MACROS_ENVRCPT', `Milter.macros.envrcpt')dnl
_sw_opt(`confMILTER_MACROS_EOM', `Milter.macros.eom')dnl
_sw_opt(`confMILTER_MACROS_EOH', `Milter.macros.eoh')dnl
_sw_opt(`confMILTER_MACROS_DATA', `Milter.macros.data')dnl
')
divert(0)dnl
