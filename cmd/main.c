/* placeholder until the CLI lands */
#include <stdio.h>
int main(void) { puts("lambdrift"); return 0; }
