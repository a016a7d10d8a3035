/* mixscope — the UI kit's layering check: tests/CMakeLists.txt links every object of mixui
 * (whole archive) into this empty program with SDL2 and libm only, so a call
 * from app/ui into core, the views, the shell or the CLI fails the build. */
int main(void) { return 0; }
