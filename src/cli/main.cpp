#include <iostream>
int main() { std::cout << "rtksync\n"; }
