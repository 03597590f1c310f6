/* cf_grammar.y: the line structure of a version 10 sendmail.cf.  Each
 * logical line is a kind letter followed by the fields of that kind; the
 * lexer (cf_lex.c) knows where fields start and end, the grammar checks
 * their order and hands complete items to cf_reader.c. */
%define api.pure full
%define api.prefix {cfg_}
%define parse.error verbose
%param {struct cf_lexer *lx}

%code requires {
#include "cf/cf_lex.h"
}

%code {
#include "cf/cf_reader_impl.h"
static void cfg_error(struct cf_lexer *lx, const char *msg);
}

%union {
	const char *str;
}

%token <str> K_V K_D K_C K_F K_O K_OSHORT K_H K_K K_M K_S K_R K_P K_T K_E K_Q K_X K_L
%token <str> NAME VALUE WORD FIELD OPTFLAG
%token <str> BADLINE LEXERR
%token EOL
%token EQ "="
%token SLASH "/"
%token COMMA ","
%token QMARK "?"
%token COLON ":"

%%

config:	  %empty
	| config line
	;

line:	  version EOL		{ cf_item_done(lx); }
	| define EOL		{ cf_item_done(lx); }
	| class EOL		{ cf_item_done(lx); }
	| fileclass EOL		{ cf_item_done(lx); }
	| option EOL		{ cf_item_done(lx); }
	| header EOL		{ cf_item_done(lx); }
	| mapdecl EOL		{ cf_item_done(lx); }
	| fieldlist EOL		{ cf_item_done(lx); }
	| ruleset EOL		{ cf_item_done(lx); }
	| rule EOL		{ cf_item_done(lx); }
	| named_value EOL	{ cf_item_done(lx); }
	| trusted EOL		{ cf_item_done(lx); }
	| local EOL		{ cf_item_done(lx); }
	| BADLINE EOL		{ cf_lex_error(lx, "unknown configuration line \"%s\"", $1); cf_item_drop(lx); }
	| K_R LEXERR EOL	{ cf_item_drop(lx); }
	| error EOL		{ yyerrok; cf_item_drop(lx); }
	;

version:  K_V VALUE			{ lx->cur.value = $2; }
	| K_V VALUE "/" VALUE		{ lx->cur.value = $2; lx->cur.extra = $4; }
	;

define:	  K_D NAME VALUE		{ lx->cur.name = $2; lx->cur.value = $3; }
	;

class:	  K_C NAME words		{ lx->cur.name = $2; }
	;

words:	  %empty
	| words WORD			{ cf_item_word(lx, $2); }
	;

fileclass: K_F NAME file_opt VALUE	{ lx->cur.name = $2; lx->cur.value = $4; }
	| K_F NAME file_opt VALUE VALUE	{ lx->cur.name = $2; lx->cur.value = $4; lx->cur.extra = $5; }
	;

file_opt: %empty
	| OPTFLAG			{ lx->cur.optional = 1; }
	;

option:	  K_O NAME			{ lx->cur.name = $2; lx->cur.value = ""; }
	| K_O NAME "=" VALUE		{ lx->cur.name = $2; lx->cur.value = $4; }
	| K_OSHORT NAME VALUE		{ lx->cur.name = $2; lx->cur.value = $3; lx->cur.extra = "1"; }
	;

header:	  K_H hflags NAME ":" VALUE	{ lx->cur.name = $3; lx->cur.value = $5; }
	;

hflags:	  %empty
	| "?" VALUE "?"			{ lx->cur.extra = $2; }
	;

mapdecl:  K_K NAME VALUE		{ lx->cur.name = $2; lx->cur.value = $3; }
	;

fieldlist: fl_kind NAME fields		{ lx->cur.name = $2; }
	;

fl_kind:  K_M | K_Q | K_X ;

fields:	  %empty
	| fields "," 
	| fields "," FIELD		{ cf_item_word(lx, $3); }
	;

ruleset:  K_S NAME			{ lx->cur.name = $2; }
	| K_S NAME "=" VALUE		{ lx->cur.name = $2; lx->cur.value = $4; }
	;

rule:	  K_R VALUE VALUE		{ lx->cur.lhs = $2; lx->cur.rhs = $3; lx->cur.comment = ""; }
	| K_R VALUE VALUE VALUE		{ lx->cur.lhs = $2; lx->cur.rhs = $3; lx->cur.comment = $4; }
	;

named_value: nv_kind NAME		{ lx->cur.name = $2; }
	| nv_kind NAME "=" VALUE	{ lx->cur.name = $2; lx->cur.value = $4; }
	;

nv_kind:  K_P | K_E ;

trusted:  K_T words ;

local:	  K_L VALUE			{ lx->cur.value = $2; }
	;

%%

static void
cfg_error(struct cf_lexer *lx, const char *msg)
{
	cf_lex_error(lx, "%s", msg);
}
